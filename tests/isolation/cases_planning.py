ROUTES = []
KWARGS = {}
