"""公益基金 (fund): gifts, closing the fund and the donors' statements."""
