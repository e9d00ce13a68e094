//! reference server (in progress)
