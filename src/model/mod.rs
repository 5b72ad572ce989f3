//! Model mechanisms (in progress).
