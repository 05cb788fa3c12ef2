"""The cash forecast of the assessed funds: expected receipts from each State's payment
history against planned spending, month by month, with the reserve drawn when cash runs
short; stored spending plans."""
