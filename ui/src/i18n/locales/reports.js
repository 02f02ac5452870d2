// The dashboard's and the reports page's strings (#26), merged into zh-CN.js / en.js (i18n/index.js).
export default {
  'zh-CN': {
    menu: { reports: '经营报表' },
    orders: { skuFilter: 'SKU', skuFilterHint: '平台 SKU ID 或商家编码' },
    reports: {
      todayOrders: '今日订单', todayGmv: '今日销售额', todayUnits: '今日件数', toShip: '已付款未发货', atRisk: '即将超时发货',
      toShipHint: '已付款、尚未发货', atRiskHint: '24 小时内到最晚发货时间或已超时', yesterdayWas: '昨日 {v}',
      dailySales: '每日销售', lastNDays: '近 {n} 天', openReports: '查看报表', topSkus: '热销 SKU', unitsN: '{n} 件',
      syncHealth: '同步健康', clickHint: '点击柱形或数字查看对应订单', clickForOrders: '点击查看当天订单',
      noSales: '所选日期内没有销售', noHeld: '没有挂起的订单', noAfterSales: '所选日期内没有订单',
      range: '日期范围', rangeNote: '按下单日（北京时间）统计，最多 {n} 天', by: '分组', metric: '指标', total: '合计', allShops: '全部店铺',
      bys: { shop: '按店铺', platform: '按平台', total: '合计', sku: '按 SKU' },
      metrics: { gmv_fen: '销售额', orders: '订单数', units: '件数', refunds: '退款数', refund_fen: '退款金额', shipped: '已发货' },
      columns: {
        sku: '商品 / SKU', orders: '订单数', units: '件数', gmv_fen: '销售额', refunds: '退款数', refund_fen: '退款金额',
        shipped: '已发货', shipped_late: '超时发货', avg_ship_seconds: '平均发货时长', rate: '售后率',
      },
      afterSalesRate: '售后率', hoursShort: '{n} 小时', minutesShort: '{n} 分钟',
      export: '导出', exportAs: { xlsx: '导出为 Excel (xlsx)', csv: '导出为 CSV' },
      sync: { ok: '{n} 个店铺同步正常', reauth: '{n} 个店铺需授权', errors: '{n} 个店铺同步出错', lagging: '{n} 个店铺延迟超过 1 小时', never: '{n} 个店铺尚未同步' },
    },
  },
  en: {
    menu: { reports: 'Reports' },
    orders: { skuFilter: 'SKU', skuFilterHint: 'Platform SKU id or merchant code' },
    reports: {
      todayOrders: 'Orders today', todayGmv: 'Sales today', todayUnits: 'Units today', toShip: 'Paid, not shipped', atRisk: 'At risk of late shipment',
      toShipHint: 'Paid, not shipped yet', atRiskHint: 'Ship-by time within 24 h or past', yesterdayWas: 'Yesterday {v}',
      dailySales: 'Daily sales', lastNDays: 'Last {n} days', openReports: 'Open reports', topSkus: 'Top SKUs', unitsN: '{n} units',
      syncHealth: 'Sync health', clickHint: 'Click a bar or a figure to see its orders', clickForOrders: 'Click to see the day\'s orders',
      noSales: 'No sales in the chosen days', noHeld: 'No held orders', noAfterSales: 'No orders in the chosen days',
      range: 'Dates', rangeNote: 'By order day (Beijing time), at most {n} days', by: 'Group', metric: 'Figure', total: 'Total', allShops: 'All shops',
      bys: { shop: 'By shop', platform: 'By platform', total: 'Total', sku: 'By SKU' },
      metrics: { gmv_fen: 'Sales', orders: 'Orders', units: 'Units', refunds: 'Refunds', refund_fen: 'Refunded', shipped: 'Shipped' },
      columns: {
        sku: 'Product / SKU', orders: 'Orders', units: 'Units', gmv_fen: 'Sales', refunds: 'Refunds', refund_fen: 'Refunded',
        shipped: 'Shipped', shipped_late: 'Shipped late', avg_ship_seconds: 'Avg. time to ship', rate: 'After-sales rate',
      },
      afterSalesRate: 'After-sales rate', hoursShort: '{n} h', minutesShort: '{n} min',
      export: 'Export', exportAs: { xlsx: 'Export as Excel (xlsx)', csv: 'Export as CSV' },
      sync: { ok: '{n} shops in sync', reauth: '{n} shops need authorisation', errors: '{n} shops failing to sync', lagging: '{n} shops over 1 h behind', never: '{n} shops not synced yet' },
    },
  },
}
