//! (in progress) test case loader
