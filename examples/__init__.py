"""Example applications that use VCNET from the outside, as any other system would."""
