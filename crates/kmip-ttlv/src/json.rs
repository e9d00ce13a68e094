//! (in progress) json
