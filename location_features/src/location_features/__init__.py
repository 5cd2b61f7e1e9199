"""The features team's code location: data-science features over the core team's users."""
