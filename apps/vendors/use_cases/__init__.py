"""Vendors' use cases, one module each: apply, update the profile, change status (with its commission), KYC
documents (linked or uploaded) and bank accounts."""
