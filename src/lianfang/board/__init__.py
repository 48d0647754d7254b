"""The bureau's view of its units: campaign phases, status board, 考核 scores and their charts."""
