from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings, MailSettings


class NotificationsSettings(BaseServiceSettings, MailSettings):
    """SMTP_HOST / SMTP_PORT / MAIL_FROM are shared names (MailSettings, auth sends mail too); the rest are ours."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", env_file=".env", extra="ignore")

    service_name: str = "notifications"
    max_attempts: int = Field(5, ge=1, le=50)
    # Retry n waits base * 2^(n-1) seconds, never more than the cap.
    retry_base_seconds: float = Field(2.0, gt=0)
    retry_max_seconds: float = Field(600.0, gt=0)
    sender_interval_seconds: float = Field(0.5, gt=0)
    sender_batch_size: int = Field(50, ge=1, le=1000)
    run_sender: bool = True
    smtp_timeout_seconds: float = Field(10.0, gt=0)
    # Who receives operational alerts (alert.raised) and the daily executive summary (report.generated).
    operator_email: str = Field("ops@marketplace.local", max_length=320)
