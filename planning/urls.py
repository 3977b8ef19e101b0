from django.urls import path

from . import shared_views
from .views import grid, imports, master, numbers, orders, plans, resources, suppliers

app_name = "planning"

urlpatterns = [
    path("planning/", plans.versions, name="versions"),
    path("planning/cycles/new/", plans.cycle_new, name="cycle_new"),
    path("planning/versions/new/", plans.version_new, name="version_new"),
    path("planning/orders/new/", orders.order_new, name="order_new"),
    path("planning/suppliers/", suppliers.supplier_list, name="suppliers"),
    path("planning/suppliers/new/", suppliers.supplier_edit, name="supplier_new"),
    path("planning/suppliers/<int:supplier_id>/edit/", suppliers.supplier_edit, name="supplier_edit"),
    path(
        "planning/resources/<int:resource_id>/capacity/",
        resources.resource_capacity,
        name="resource_capacity",
    ),
    path("planning/resources/<int:resource_id>/usage/", resources.resource_usage, name="resource_usage"),
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
    path("planning/import/<slug:kind>-template.csv", imports.import_template, name="import_template"),
    path("planning/import/jobs/<int:import_job_id>/", imports.import_job, name="import_job"),
    path("s/<int:subject_id>/details/", shared_views.shared_details, name="shared_details"),
]

for mk in master.MASTER_KINDS.values():
    urlpatterns += [
        path(f"planning/{mk.plural}/", master.master_list(mk), name=mk.plural),
        path(f"planning/{mk.plural}/<int:{mk.key}_id>/", master.master_detail(mk), name=mk.key),
        path(f"planning/{mk.plural}/<int:{mk.key}_id>/edit/", master.master_edit(mk), name=f"{mk.key}_edit"),
    ]
    if mk.creatable:
        urlpatterns.append(path(f"planning/{mk.plural}/new/", master.master_edit(mk), name=f"{mk.key}_new"))
