//! Network connectors (en cours).
