import { createRouter, createWebHistory } from 'vue-router'
import { useAuthStore } from '../stores/auth'
import Layout from '../layout/Layout.vue'

// Client-side paths must not start with an API prefix of the runtime (/admin/, /erp/, /oauth/, /webhooks/).
// Every page is its own chunk (dynamic import); `meta.role` hides pages a role may not use.
export const menu = [
  { path: '/supplier/orders', name: 'supplier-orders', title: 'menu.supplierOrders', icon: 'Van', role: 'supplier', component: () => import('../views/dropship/SupplierOrders.vue') },
  { path: '/dashboard', name: 'dashboard', title: 'menu.dashboard', icon: 'Odometer', component: () => import('../views/Dashboard.vue') },
  { path: '/reports', name: 'reports', title: 'menu.reports', icon: 'TrendCharts', component: () => import('../views/reports/Reports.vue') },
  { path: '/orders', name: 'orders', title: 'menu.orders', icon: 'List', component: () => import('../views/orders/OrderList.vue') },
  {
    path: '/processing', title: 'menu.processing', icon: 'Stamp', children: [
      { path: '/processing/exceptions', name: 'exceptions', title: 'menu.exceptions', component: () => import('../views/processing/Exceptions.vue') },
      { path: '/processing/rules', name: 'review-rules', title: 'menu.reviewRules', component: () => import('../views/processing/ReviewRules.vue') },
      { path: '/processing/fulfilment', name: 'fulfil-rules', title: 'menu.fulfilRules', component: () => import('../views/processing/FulfilRules.vue') },
      { path: '/processing/manual', name: 'manual-order', title: 'menu.manualOrder', component: () => import('../views/processing/ManualOrder.vue') },
      { path: '/processing/blacklist', name: 'blacklist', title: 'menu.blacklist', component: () => import('../views/processing/Blacklist.vue') },
    ],
  },
  { path: '/after-sales', name: 'after-sales', title: 'menu.afterSales', icon: 'Service', component: () => import('../views/aftersales/AfterSales.vue') },
  { path: '/shipping', name: 'shipping', title: 'menu.shipping', icon: 'Van', component: () => import('../views/shipping/Shipping.vue') },
  { path: '/shops', name: 'shops', title: 'menu.shops', icon: 'Shop', component: () => import('../views/shops/Shops.vue') },
  { path: '/sync', name: 'sync', title: 'menu.sync', icon: 'Refresh', component: () => import('../views/sync/SyncHealth.vue') },
  {
    path: '/goods', title: 'menu.goods', icon: 'Goods', children: [
      { path: '/goods/list', name: 'goods', title: 'menu.goodsList', component: () => import('../views/goods/Goods.vue') },
      { path: '/goods/categories', name: 'goods-categories', title: 'menu.categories', component: () => import('../views/goods/Categories.vue') },
      { path: '/goods/brands', name: 'goods-brands', title: 'menu.brands', component: () => import('../views/goods/Brands.vue') },
      { path: '/goods/suppliers', name: 'goods-suppliers', title: 'menu.suppliers', component: () => import('../views/goods/Suppliers.vue') },
    ],
  },
  {
    path: '/catalog', title: 'menu.catalog', icon: 'Goods', children: [
      { path: '/catalog/shop-skus', name: 'shop-skus', title: 'menu.shopSkus', component: () => import('../views/catalog/ShopSkus.vue') },
      { path: '/catalog/erp-skus', name: 'erp-skus', title: 'menu.erpSkus', component: () => import('../views/catalog/ErpSkus.vue') },
    ],
  },
  {
    path: '/warehouses', title: 'menu.warehouses', icon: 'House', children: [
      { path: '/warehouses/list', name: 'warehouses', title: 'menu.warehouseList', component: () => import('../views/warehouses/Warehouses.vue') },
      { path: '/warehouses/stock', name: 'warehouse-stock', title: 'menu.warehouseStock', component: () => import('../views/warehouses/WarehouseStock.vue') },
      { path: '/warehouses/documents', name: 'stock-documents', title: 'menu.stockDocuments', component: () => import('../views/warehouses/StockDocuments.vue') },
      { path: '/warehouses/stock-up', name: 'stock-up', title: 'menu.stockUp', component: () => import('../views/dropship/StockUp.vue') },
    ],
  },
  {
    path: '/integration', title: 'menu.erp', icon: 'Connection', children: [
      { path: '/integration/clients', name: 'erp-clients', title: 'menu.erpClients', role: 'admin', component: () => import('../views/erp/Clients.vue') },
      { path: '/integration/deliveries', name: 'erp-deliveries', title: 'menu.deliveries', component: () => import('../views/erp/Deliveries.vue') },
      { path: '/integration/dlq', name: 'dlq', title: 'menu.dlq', role: 'operator', component: () => import('../views/erp/DeadLetters.vue') },
      { path: '/integration/alerts', name: 'alerts', title: 'menu.alerts', component: () => import('../views/alerts/Alerts.vue') },
    ],
  },
  {
    path: '/system', title: 'menu.system', icon: 'Setting', children: [
      { path: '/system/users', name: 'users', title: 'menu.users', role: 'admin', component: () => import('../views/users/Users.vue') },
      { path: '/system/api-tokens', name: 'api-tokens', title: 'menu.apiTokens', component: () => import('../views/tokens/ApiTokens.vue') },
      { path: '/system/exports', name: 'exports', title: 'menu.exports', component: () => import('../views/exports/Exports.vue') },
      { path: '/system/audit', name: 'audit', title: 'menu.audit', role: 'admin', component: () => import('../views/audit/AuditLog.vue') },
    ],
  },
]

const pages = menu.flatMap((m) => (m.children ? m.children : [m])).map((m) => ({
  path: m.path, name: m.name, component: m.component, meta: { title: m.title, role: m.role },
}))

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('../views/Login.vue'), meta: { public: true } },
    {
      path: '/', component: Layout, redirect: '/dashboard',
      children: [
        ...pages,
        { path: '/shops/:shopId', name: 'shop', component: () => import('../views/shops/Shops.vue'), meta: { title: 'menu.shops' } },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/dashboard' },
  ],
})

router.beforeEach((to) => {
  // The OAuth callback sends the seller back to `<ui>/#/shops/<id>?authorised=1`: same page, history mode.
  if (to.hash && to.hash.startsWith('#/')) return to.hash.slice(1)
  const auth = useAuthStore()
  if (!to.meta.public && !auth.loggedIn) return { name: 'login', query: to.fullPath !== '/' && to.fullPath !== '/dashboard' ? { redirect: to.fullPath } : {} }
  if (to.name === 'login' && auth.loggedIn) return { path: auth.home() }
  if (!to.meta.public && !auth.can(to.meta.role)) return { path: auth.home() }
  return true
})
