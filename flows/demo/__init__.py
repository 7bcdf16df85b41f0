"""The demo's drivers: a whole cycle on the demo's data. Not a production flow."""
