"""The numbers: referral metrics and the report files made of them."""
