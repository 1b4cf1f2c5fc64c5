"""Login with the company's OpenID provider: discovery, flows, ID token checks, storage, refresh."""
