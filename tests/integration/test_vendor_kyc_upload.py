"""KYC documents uploaded as files through the gateway: kept private (owner and admins read them back through the
document's docUrl; outsiders and the public cannot), checked by their bytes, bounded in size."""
from __future__ import annotations

from tests.integration.test_vendors_api import apply, bearer, new_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_upload_is_private_and_checked(client, admin_token):
    owner, outsider = await new_user(client), await new_user(client, "outsider")
    vid = (await apply(client, owner))["id"]
    auth = bearer(owner["accessToken"])
    resp = await client.post(f"/v1/vendors/{vid}/kyc/upload", headers=auth, data={"docType": "owner_id"},
                             files={"file": ("passport.pdf", PDF, "application/pdf")})
    assert resp.status_code == 201, resp.text
    doc = resp.json()
    assert doc["docType"] == "owner_id" and doc["status"] == "submitted"
    path = doc["docUrl"].split("://", 1)[1].split("/", 1)[1]
    assert path == f"v1/vendors/{vid}/kyc/{doc['id']}/file"

    own = await client.get(f"/{path}", headers=auth)
    assert own.status_code == 200 and own.content == PDF and own.headers["content-type"] == "application/pdf"
    by_admin = await client.get(f"/{path}", headers=bearer(admin_token))
    assert by_admin.status_code == 200 and by_admin.content == PDF
    assert (await client.get(f"/{path}", headers=bearer(outsider["accessToken"]))).status_code == 404
    assert (await client.get(f"/{path}")).status_code == 401
    listed = (await client.get(f"/v1/vendors/{vid}/kyc", headers=auth)).json()["items"]
    assert [d["id"] for d in listed] == [doc["id"]]

    # A renamed text file is refused by its bytes; another vendor's applicant cannot upload here.
    fake = await client.post(f"/v1/vendors/{vid}/kyc/upload", headers=auth, data={"docType": "owner_id"},
                             files={"file": ("id.pdf", b"just text", "application/pdf")})
    assert fake.status_code == 422 and fake.headers["content-type"].startswith("application/problem+json")
    other = await client.post(f"/v1/vendors/{vid}/kyc/upload", headers=bearer(outsider["accessToken"]),
                              data={"docType": "owner_id"}, files={"file": ("a.pdf", PDF, "application/pdf")})
    assert other.status_code == 404
    big = await client.post(f"/v1/vendors/{vid}/kyc/upload", headers=auth, data={"docType": "owner_id"},
                            files={"file": ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")})
    assert big.status_code == 413
    bad_type = await client.post(f"/v1/vendors/{vid}/kyc/upload", headers=auth, data={"docType": "../etc"},
                                 files={"file": ("a.pdf", PDF, "application/pdf")})
    assert bad_type.status_code == 422
    assert (await client.get(f"/v1/vendors/{vid}/kyc/not-a-uuid/file", headers=auth)).status_code == 404
