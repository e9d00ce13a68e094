//! (in progress) profiles
