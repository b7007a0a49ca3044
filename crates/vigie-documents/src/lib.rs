//! (en cours)
