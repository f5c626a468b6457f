"""What every HTTP response shares: error replies, security headers, content encoding, the client's address."""
