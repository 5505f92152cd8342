from __future__ import annotations

from kernel.errors import Conflict, Unauthorized, ValidationFailed


class EmailTaken(Conflict):
    title = "Email already registered"


class InvalidCredentials(Unauthorized):
    title = "Invalid credentials"


class InvalidRefreshToken(Unauthorized):
    title = "Invalid refresh token"


class RefreshTokenReused(Unauthorized):
    title = "Refresh token reuse detected"


class WeakPassword(ValidationFailed):
    title = "Weak password"


class InvalidResetToken(ValidationFailed):
    title = "Invalid or expired reset token"
