//! Sieve analysis (en cours).
