// Order edits in the order drawer (#22): gift lines added or removed by hand before the ERP takes the order.
export default {
  'zh-CN': {
    giftLines: {
      title: '赠品', add: '添加赠品', remove: '移除', none: '没有赠品', sku: 'ERP 商品', quantity: '数量',
      byRule: '规则赠送', byHand: '手工添加', added: '已添加赠品，订单将重新审核', removed: '已移除赠品，订单将重新审核',
      confirmRemove: '移除赠品 {sku} ×{n}？', lockedHint: '订单已交给 ERP 或已关闭，不能再改赠品',
      historyAdded: '手工添加赠品 {sku} ×{n}', historyRemoved: '手工移除赠品 {sku} ×{n}',
    },
    errors: {
      edit: {
        not_gift: '这一行是买家购买的商品，不是赠品，不能在这里移除', gift_shipped: '这个赠品已经发货，不能移除',
        gift_limit: '一个订单的赠品行已达上限',
      },
    },
  },
  en: {
    giftLines: {
      title: 'Gifts', add: 'Add gift', remove: 'Remove', none: 'No gifts', sku: 'ERP SKU', quantity: 'Quantity',
      byRule: 'By a gift rule', byHand: 'Added by hand', added: 'Gift added; the order is reviewed again',
      removed: 'Gift removed; the order is reviewed again', confirmRemove: 'Remove the gift {sku} ×{n}?',
      lockedHint: 'The order is with the ERP or closed: its gifts can no longer change',
      historyAdded: 'Gift {sku} ×{n} added by hand', historyRemoved: 'Gift {sku} ×{n} removed by hand',
    },
    errors: {
      edit: {
        not_gift: "This line is what the buyer bought, not a gift: it is not removed here",
        gift_shipped: 'This gift has shipped: it can no longer be removed',
        gift_limit: 'The order has as many gift lines as it may',
      },
    },
  },
}
