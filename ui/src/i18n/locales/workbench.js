// The order workbench's strings (#21), merged into zh-CN.js / en.js section by section (i18n/index.js).
export default {
  'zh-CN': {
    shopStatus: { awaiting: '待授权' },
    shops: {
      awaitingHint: '新店铺：点击“授权”完成授权后开始同步', authoriseFailedHint: '授权没有完成，请重新授权',
      tokenRefreshed: '令牌已刷新',
    },
    catalog: { pushQueued: '已安排把 {n} 个 ERP 商品的库存推送到各店铺（按店铺的库存同步设置），稍后可在推送记录中查看' },
    orders: {
      orderNoHint: '订单号（平台单号）', moreFilters: '更多', customRange: '自定义时间', anyTime: '不限时间', perPage: '{n} 条/页',
      dateFields: { created: '下单时间', paid: '付款时间', ship_by: '最晚发货', updated: '更新时间' },
      ranges: { today: '今天', yesterday: '昨天', '7d': '近 7 天' },
      tabs: { unpaid: '待付款', pending_review: '待审核', to_ship: '待发货', to_print: '待打单', shipped: '已发货', completed: '已完成', cancelled: '已取消', exception: '异常', all: '全部' },
      noRaw: '该订单没有保存原始报文', holdReleasedBySystem: '挂起已自动解除：{reasons}', exportButton: '导出', exportAll: '按当前的标签和全部筛选条件导出订单', platformStatusRaw: '平台原始状态：{code}', systemHoldHint: '系统挂起：问题解决后自动解除' },
    audit: { anyAction: '全部操作' },
    shipping: {
      ordersNotFound: '找不到订单：{refs}', orderAmbiguous: '多个店铺有订单号 {refs}，请用订单 ID', importSummary: '已录入 {ok} 行，失败 {failed} 行',
      importRow: '第 {row} 行未录入', csvHintNo: 'CSV 表头：order_no（平台订单号）或 order_id, carrier_code, tracking_no',
      orderNosPlaceholder: '平台订单号，每行一个（也可以粘贴订单 ID）', picklistHintNo: '每行一个平台订单号（或用逗号分隔），生成按商品汇总的拣货单 PDF。',
      shipBackStatus: { pending: '待回传', sent: '已回传平台', deferred: '随后续包裹回传', covered: '已由后续回传覆盖', not_sent: '不回传（手工发货）' } },
  },
  en: {
    shopStatus: { awaiting: 'Awaiting authorisation' },
    shops: {
      awaitingHint: 'New shop: click Authorise to start syncing', authoriseFailedHint: 'Authorisation did not complete: authorise again',
      tokenRefreshed: 'Token refreshed',
    },
    catalog: { pushQueued: 'Stock of {n} ERP SKUs is queued for pushing to the shops (per shop\'s stock sync settings); see the push log shortly' },
    orders: {
      orderNoHint: 'Order no. (platform\'s)', moreFilters: 'More', customRange: 'Custom period', anyTime: 'Any time', perPage: '{n} / page',
      dateFields: { created: 'Ordered', paid: 'Paid', ship_by: 'Ship by', updated: 'Updated' },
      ranges: { today: 'Today', yesterday: 'Yesterday', '7d': 'Last 7 days' },
      tabs: { unpaid: 'Unpaid', pending_review: 'To review', to_ship: 'To ship', to_print: 'To print', shipped: 'Shipped', completed: 'Completed', cancelled: 'Cancelled', exception: 'Exceptions', all: 'All' },
      noRaw: 'No raw payload is kept for this order', holdReleasedBySystem: 'Hold released by the system: {reasons}', exportButton: 'Export', exportAll: 'Export the orders of the tab shown, under every filter set', platformStatusRaw: 'Platform\'s raw status: {code}', systemHoldHint: 'Set by the system: released once its cause is gone' },
    audit: { anyAction: 'Any action' },
    shipping: {
      ordersNotFound: 'No order {refs}', orderAmbiguous: 'Order no. {refs} exists in several shops: use the order ID', importSummary: '{ok} rows recorded, {failed} failed',
      importRow: 'Row {row} not recorded:', csvHintNo: 'CSV header: order_no (platform order no.) or order_id, carrier_code, tracking_no',
      orderNosPlaceholder: 'Platform order numbers, one a line (order IDs work too)', picklistHintNo: 'One platform order number a line (or comma separated): a pick list PDF summed by product.',
      shipBackStatus: { pending: 'Pending', sent: 'Sent to the platform', deferred: 'Goes with a later parcel', covered: 'Covered by a later call', not_sent: 'Not sent (shipped by hand)' } },
  },
}
