from django.urls import path

from . import shared_views
from .views import grid, imports, master, numbers

app_name = "planning"

urlpatterns = [
    path("planning/", grid.versions, name="versions"),
    path("planning/versions/<int:version_id>/", grid.grid, name="grid"),
    path("planning/versions/<int:version_id>/export/", grid.grid_export, name="grid_export"),
    path("planning/versions/<int:version_id>/cell/", grid.cell, name="cell"),
    path("planning/versions/<int:version_id>/cell/comment/", grid.cell_comment, name="cell_comment"),
    path("planning/versions/<int:version_id>/status/", grid.transition, name="transition"),
    path("planning/versions/<int:version_id>/new-draft/", grid.new_draft, name="new_draft"),
    path("planning/compare/", numbers.compare, name="compare"),
    path("planning/projection/", numbers.projection, name="projection"),
    path("planning/accuracy/", numbers.accuracy, name="accuracy"),
    path("planning/import/", imports.import_file, name="import"),
    path("s/<int:subject_id>/details/", shared_views.shared_details, name="shared_details"),
]

for kind, plural in master.PLURAL.items():
    urlpatterns += [
        path(f"planning/{plural}/", master.master_list(kind), name=plural),
        path(f"planning/{plural}/<int:{kind}_id>/", master.master_detail(kind), name=kind),
        path(f"planning/{plural}/<int:{kind}_id>/edit/", master.master_edit(kind), name=f"{kind}_edit"),
    ]
    if kind != "order":  # orders come from the ERP (API or import)
        urlpatterns.append(path(f"planning/{plural}/new/", master.master_edit(kind), name=f"{kind}_new"))
