"""监测 (monitoring): daily reports, weekly meetings, monthly evaluations, tranches."""
