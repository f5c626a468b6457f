"""Who may do what: accounts and roles, passwords, sessions' secret key, CSRF, sign-in and request limits."""
