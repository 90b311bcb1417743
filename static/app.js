// jobboard's small progressive-enhancement script (no inline JS: CSP).
