//! (in progress) names
