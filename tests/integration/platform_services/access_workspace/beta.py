from team_locations import team_definitions

defs = team_definitions("beta")
