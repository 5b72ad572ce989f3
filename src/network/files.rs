//! Edge-list and node CSV files (to be completed: see issue 2).
