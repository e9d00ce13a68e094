//! kmip-testcase (in progress)
