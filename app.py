"""The Chalice app: creates it and registers the blueprints. No business logic here."""
from chalice import Chalice

from chalicelib.api import admin_openapi, audit, auth, erp, erp_admin, health, oauth, sync_admin, waybills, webhooks
from chalicelib.api import after_sales as after_sale_api
from chalicelib.api import api_tokens as api_token_api
from chalicelib.api import catalog as catalog_api
from chalicelib.api import goods as goods_api
from chalicelib.api import goods_files as goods_files_api
from chalicelib.api import manual_orders as manual_order_api
from chalicelib.api import mcp as mcp_api
from chalicelib.api import orders as order_api
from chalicelib.api import reports as report_api
from chalicelib.api import review as review_api
from chalicelib.api import shipment_lists as shipment_list_api
from chalicelib.api import shops as shops_api
from chalicelib.api import stock as stock_api
from chalicelib.api import suppliers as suppliers_api
from chalicelib.api import taxonomy as taxonomy_api
from chalicelib.api import warehouses as warehouse_api
from chalicelib.api.http import answer_middleware
from chalicelib.api.logging import install, log_middleware
from chalicelib.workers import actions, erp_events, link_jobs, orders, sync, tmc, tracking
from chalicelib.workers import catalog as catalog_worker
from chalicelib.workers import images as images_worker
from chalicelib.workers import reports as report_worker
from chalicelib.workers import tokens as token_worker

install()
app = Chalice(app_name="qihang-oms", configure_logs=False)
app.register_middleware(log_middleware, "all")
app.register_middleware(answer_middleware, "http")

BLUEPRINTS = (
    health.bp, auth.bp, order_api.bp, sync_admin.bp, webhooks.bp, erp.bp, erp_admin.bp,        # HTTP
    shops_api.bp, oauth.bp, catalog_api.bp, stock_api.bp, after_sale_api.bp, waybills.bp, audit.bp, admin_openapi.bp,
    shipment_list_api.bp, warehouse_api.bp, goods_api.bp, goods_files_api.bp, taxonomy_api.bp, suppliers_api.bp,
    api_token_api.bp, mcp_api.bp,
    review_api.bp, manual_order_api.bp, report_api.bp,
    orders.bp, sync.bp, actions.bp, tmc.bp, erp_events.bp, catalog_worker.bp, token_worker.bp,
    tracking.bp, link_jobs.bp, images_worker.bp, report_worker.bp,  # queues, schedules
)
for blueprint in BLUEPRINTS:
    app.register_blueprint(blueprint)
