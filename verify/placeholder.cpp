// Keeps the verify library non-empty until its sources land.
