// The order workbench's strings (#21), merged into zh-CN.js / en.js section by section (i18n/index.js).
export default {
  'zh-CN': {
    shopStatus: { awaiting: '待授权' },
    shops: {
      awaitingHint: '新店铺：点击“授权”完成授权后开始同步', authoriseFailedHint: '授权没有完成，请重新授权',
      tokenRefreshed: '令牌已刷新',
    },
    catalog: { pushQueued: '已安排把 {n} 个 ERP 商品的库存推送到各店铺（按店铺的库存同步设置），稍后可在推送记录中查看' },
    orders: { noRaw: '该订单没有保存原始报文', platformStatusRaw: '平台原始状态：{code}', systemHoldHint: '系统挂起：问题解决后自动解除' },
    audit: { anyAction: '全部操作' },
    shipping: { shipBackStatus: { pending: '待回传', sent: '已回传平台', deferred: '随后续包裹回传', covered: '已由后续回传覆盖', not_sent: '不回传（手工发货）' } },
  },
  en: {
    shopStatus: { awaiting: 'Awaiting authorisation' },
    shops: {
      awaitingHint: 'New shop: click Authorise to start syncing', authoriseFailedHint: 'Authorisation did not complete: authorise again',
      tokenRefreshed: 'Token refreshed',
    },
    catalog: { pushQueued: 'Stock of {n} ERP SKUs is queued for pushing to the shops (per shop\'s stock sync settings); see the push log shortly' },
    orders: { noRaw: 'No raw payload is kept for this order', platformStatusRaw: 'Platform\'s raw status: {code}', systemHoldHint: 'Set by the system: released once its cause is gone' },
    audit: { anyAction: 'Any action' },
    shipping: { shipBackStatus: { pending: 'Pending', sent: 'Sent to the platform', deferred: 'Goes with a later parcel', covered: 'Covered by a later call', not_sent: 'Not sent (shipped by hand)' } },
  },
}
