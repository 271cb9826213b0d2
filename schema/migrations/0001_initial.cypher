// The first schema version: nothing to move. Later data migrations (renaming a class or
// an attribute, splitting a relationship type) go in files like this one, applied once.
RETURN 1;
