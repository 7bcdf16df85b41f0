"""结项 (closing): final evaluations, settlement, the cycle report and archive."""
