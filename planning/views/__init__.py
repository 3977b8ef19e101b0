"""Planning screens: thin views over selectors, reports and actions, one module per screen family
(grid, numbers, master, imports). Every view is under the tenant guard; planning is internal (partner
users get 404; an object's page sends them to its shared page), edits need a planner or admin."""
