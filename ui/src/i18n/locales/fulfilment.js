// Fulfilment strategies (发货策略, issue 25: gifts, carrier and warehouse routing) and the order drawer's plan tab.
export default {
  'zh-CN': {
    menu: { fulfilRules: '发货策略' },
    fulfil: {
      title: '发货策略', hint: '按优先级从小到大匹配；每单在交给 ERP 之前按最新规则重新规划',
      kinds: { warehouse: '仓库策略', carrier: '快递策略', gift: '赠品', unreachable: '快递不达地区' },
      addRule: '新增规则', noRules: '还没有规则', priority: '优先级', name: '名称', shops: '店铺', allShops: '全部店铺',
      regions: '地区', regionsHint: '省，或 省/市，如 新疆维吾尔自治区 或 广东省/深圳市', anyRegion: '全部地区',
      warehouses: '仓库（按顺序尝试）', account: '面单账号', fallback: '备用账号（余额不足时）', carrier: '快递',
      weight: '重量（克）', amount: '实付金额（元）', skus: '包含商品', cod: '货到付款', codAny: '不限', codYes: '是', codNo: '否',
      min: '最小', max: '最大（空为不限）', giftSkus: '赠品商品', quantity: '每种数量', buySkus: '购买商品',
      minQuantity: '至少件数', minPaid: '实付满（元）', window: '活动时间', perBuyer: '每个买家限', total: '总数限',
      noLimit: '0 为不限', skipWhenOut: '缺货时不送（否则等到货）', enabled: '启用', remove: '删除', save: '保存',
      saved: '已保存为版本 {v}，待处理的订单正在重新规划', version: '版本 {v}', changedBy: '{by} 修改于 {at}',
      carrierCode: '快递公司代码', unreachableRegions: '不送达的地区',
      conditions: '条件', result: '结果',
    },
    plan: {
      tab: '发货方案', none: '这个订单还没有发货方案（规则在订单进入或更新时计算）', warehouse: '发货仓', byRule: '规则 {rule}',
      byShop: '店铺的仓库顺序', account: '面单账号', shopDefault: '店铺默认账号', fallback: '备用账号', override: '人工指定',
      overrideButton: '指定面单账号', clear: '恢复按规则', gifts: '赠品', noGifts: '没有赠品', skipped: '缺货未送',
      why: '原因', history: '策略记录', overrideSaved: '已指定，取面单时使用', choose: '选择账号',
    },
    errors: {
      fulfil: {
        rule_invalid: '规则有误：{field}', unknown_shop: '规则引用了不存在的店铺：{field}', unknown_sku: '规则引用了不存在的 ERP 商品：{field}',
        unknown_warehouse: '规则引用了不存在或已停用的仓库：{field}', unknown_account: '店铺没有这个面单账号：{field}',
        changed: '内容已被别人修改，请刷新后再试', too_large: '规则太多，超过了一个版本能保存的大小', kind: '未知的规则类型',
        too_late: '订单已取面单或已交给 ERP，不能再改面单账号',
      },
    },
  },
  en: {
    menu: { fulfilRules: 'Fulfilment strategies' },
    fulfil: {
      title: 'Fulfilment strategies', hint: 'Rules match by priority, lowest first; an order is re-planned with the latest rules until it is handed to the ERP',
      kinds: { warehouse: 'Warehouse routing', carrier: 'Carrier routing', gift: 'Gifts', unreachable: 'Carrier unreachable areas' },
      addRule: 'Add rule', noRules: 'No rules yet', priority: 'Priority', name: 'Name', shops: 'Shops', allShops: 'All shops',
      regions: 'Regions', regionsHint: 'A province, or province/city, e.g. 新疆维吾尔自治区 or 广东省/深圳市', anyRegion: 'All regions',
      warehouses: 'Warehouses (tried in order)', account: 'Waybill account', fallback: 'Fallback account (no balance)', carrier: 'Carrier',
      weight: 'Weight (g)', amount: 'Amount paid (yuan)', skus: 'Contains SKUs', cod: 'Cash on delivery', codAny: 'Either', codYes: 'Yes', codNo: 'No',
      min: 'Min', max: 'Max (empty: no limit)', giftSkus: 'Gift SKUs', quantity: 'Quantity of each', buySkus: 'Bought SKUs',
      minQuantity: 'At least units', minPaid: 'Paid at least (yuan)', window: 'Active period', perBuyer: 'Per buyer', total: 'In total',
      noLimit: '0: no limit', skipWhenOut: 'Skip when out of stock (else wait for it)', enabled: 'Enabled', remove: 'Remove', save: 'Save',
      saved: 'Saved as version {v}; waiting orders are being re-planned', version: 'Version {v}', changedBy: 'changed by {by} at {at}',
      carrierCode: 'Carrier code', unreachableRegions: 'Regions not reached',
      conditions: 'Conditions', result: 'Result',
    },
    plan: {
      tab: 'Fulfilment plan', none: 'No fulfilment plan yet (it is made when the order arrives or changes)', warehouse: 'Warehouse', byRule: 'rule {rule}',
      byShop: 'the shop\'s warehouse order', account: 'Waybill account', shopDefault: 'the shop\'s default account', fallback: 'Fallback', override: 'Chosen by hand',
      overrideButton: 'Choose waybill account', clear: 'Back to the rules', gifts: 'Gifts', noGifts: 'No gifts', skipped: 'Skipped (out of stock)',
      why: 'Why', history: 'Strategy log', overrideSaved: 'Chosen: the waybill will use it', choose: 'Choose an account',
    },
    errors: {
      fulfil: {
        rule_invalid: 'Wrong rule: {field}', unknown_shop: 'The rule names a shop that does not exist: {field}', unknown_sku: 'The rule names an ERP SKU that does not exist: {field}',
        unknown_warehouse: 'The rule names a warehouse that does not exist or is switched off: {field}', unknown_account: 'The shop has no such waybill account: {field}',
        changed: 'Someone else changed this: reload and try again', too_large: 'Too many rules to store as one version', kind: 'Unknown rule kind',
        too_late: 'The order has its waybill or is with the ERP: its waybill account cannot change now',
      },
    },
  },
}
