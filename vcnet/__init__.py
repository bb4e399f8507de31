"""VCNET: one self-hosted platform for a public-communication organisation and its citizens."""
