"""Tables of the coupons database. `used_count` is only changed under the coupon's row lock (service.redeem and
service.release), and the unique (coupon, order) pair means one order can hold at most one use of a coupon."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String,
                        UniqueConstraint, func)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kernel.db import ServiceBase, new_metadata
from kernel.ids import new_id_str
from kernel.outbox import outbox_table

CODE_MAX = 40
ORDER_NO_MAX = 64
REDEMPTION_STATUSES = ("redeemed", "released")


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class Coupon(Base):
    __tablename__ = "coupons"
    __table_args__ = (
        CheckConstraint("type IN ('percent', 'fixed')", name="type_known"),
        CheckConstraint("value > 0", name="value_positive"),
        CheckConstraint("type <> 'percent' OR value <= 100", name="percent_at_most_100"),
        CheckConstraint("ends_at > starts_at", name="window_ordered"),
        CheckConstraint("used_count >= 0", name="used_nonnegative"),
        # The last line of defence for the usage limit: even a bug cannot record more uses than allowed.
        CheckConstraint("usage_limit IS NULL OR used_count <= usage_limit", name="within_usage_limit"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    code: Mapped[str] = mapped_column(String(CODE_MAX), unique=True)
    type: Mapped[str] = mapped_column(String(16))
    value: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    min_order_minor: Mapped[int | None] = mapped_column(BigInteger)
    max_discount_minor: Mapped[int | None] = mapped_column(BigInteger)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    per_user_limit: Mapped[int | None] = mapped_column(Integer)
    used_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_by: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
    scopes: Mapped[list[CouponScope]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                     order_by="(CouponScope.scope_type, CouponScope.ref_id)")


class CouponScope(Base):
    __tablename__ = "coupon_scopes"
    __table_args__ = (
        CheckConstraint("scope_type IN ('vendor', 'category', 'product', 'user')", name="scope_type_known"),
    )

    coupon_id: Mapped[str] = mapped_column(ForeignKey("coupons.id", ondelete="CASCADE"), primary_key=True)
    scope_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    ref_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)


class Redemption(Base):
    __tablename__ = "redemptions"
    __table_args__ = (
        UniqueConstraint("coupon_id", "order_no", name="uq_redemptions_coupon_id_order_no"),
        CheckConstraint("status IN ('redeemed', 'released')", name="status_known"),
        CheckConstraint("discount_minor >= 0", name="discount_nonnegative"),
        # Per-user limit check: this user's live uses of this coupon.
        Index("ix_redemptions_coupon_id_user_id_status", "coupon_id", "user_id", "status"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    coupon_id: Mapped[str] = mapped_column(ForeignKey("coupons.id", ondelete="RESTRICT"))
    user_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX), index=True)
    discount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default="redeemed", server_default="redeemed")
    redeemed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


OUTBOX = outbox_table(Base.metadata)
