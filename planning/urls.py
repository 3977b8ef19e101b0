from django.urls import path

from . import shared_views, views

app_name = "planning"

urlpatterns = [
    path("planning/", views.versions, name="versions"),
    path("planning/versions/<int:version_id>/", views.grid, name="grid"),
    path("planning/versions/<int:version_id>/export/", views.grid_export, name="grid_export"),
    path("planning/versions/<int:version_id>/cell/", views.cell, name="cell"),
    path("planning/versions/<int:version_id>/cell/comment/", views.cell_comment, name="cell_comment"),
    path("planning/versions/<int:version_id>/status/", views.transition, name="transition"),
    path("planning/versions/<int:version_id>/new-draft/", views.new_draft, name="new_draft"),
    path("planning/compare/", views.compare, name="compare"),
    path("planning/projection/", views.projection, name="projection"),
    path("planning/accuracy/", views.accuracy, name="accuracy"),
    path("planning/import/", views.import_file, name="import"),
    path("s/<int:subject_id>/details/", shared_views.shared_details, name="shared_details"),
]

for kind, plural in views.PLURAL.items():
    urlpatterns += [
        path(f"planning/{plural}/", views.master_list(kind), name=plural),
        path(f"planning/{plural}/<int:{kind}_id>/", views.master_detail(kind), name=kind),
        path(f"planning/{plural}/<int:{kind}_id>/edit/", views.master_edit(kind), name=f"{kind}_edit"),
    ]
    if kind != "order":  # orders come from the ERP (API or import)
        urlpatterns.append(path(f"planning/{plural}/new/", views.master_edit(kind), name=f"{kind}_new"))
