//! (in progress) xml
