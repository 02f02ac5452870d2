"""Partial shipments per platform: what each platform's ship API can take when an order leaves in several
parcels, and the plan for one parcel's ship-back (send it now, and how; or defer it to a later parcel).

A platform that ships whole orders only gets one call, at the last parcel: a second whole-order call is
refused once the order shows shipped (JD 10200003, Kuaishou [32]), and the first one would have told the
buyer everything left while half of it was still on the shelf."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.shipping import Shipment, ShipmentLine


class PartialMode(StrEnum):
    QUANTITIES = "quantities"          # one call per parcel, naming lines and quantities
    LINES = "lines"                    # one call per parcel naming whole lines: a line goes with its last parcel
    WHOLE_ALL_NUMBERS = "whole_order_all_numbers"   # one whole-order call at the last parcel, every number


@dataclass(frozen=True)
class PlatformPartial:
    mode: PartialMode
    call: str                          # the API a partial parcel goes through (or the whole-order one)
    note: str                          # for the README table and the ERP's answer


PARTIAL: dict[str, PlatformPartial] = {
    "taobao": PlatformPartial(PartialMode.LINES, "taobao.logistics.offline.send is_split=1 sub_tid=<oids>",
                              "split by sub-order (oid): a sub-order ships once, with its last parcel"),
    "jd": PlatformPartial(PartialMode.WHOLE_ALL_NUMBERS, "jingdong.pop.order.shipment logiNo=<n1,n2>",
                          "whole orders only: one call at the last parcel naming every tracking no."),
    "pdd": PlatformPartial(PartialMode.WHOLE_ALL_NUMBERS,
                           "pdd.logistics.online.send + pdd.order.upload.extra.logistics (extra_track_type=1)",
                           "whole orders only, one tracking no. per send: at the last parcel the first "
                           "number ships the order and the others go up as extra parcels (分包发货)"),
    "douyin": PlatformPartial(PartialMode.LINES, "order.logisticsAddSinglePack order_id_list=<sku orders>",
                              "split by sku order: a sku order ships once, with its last parcel [I]"),
    "wechat": PlatformPartial(PartialMode.LINES, "/channels/ec/order/delivery/send product_infos",
                              "split by SKU: the units of one SKU travel in one parcel (WeChat's split-delivery "
                              "rule), so a SKU ships with its last parcel"),
    "kuaishou": PlatformPartial(PartialMode.QUANTITIES, "open.order.goods.split.deliver",
                                "any lines and quantities per parcel (deliveryNum), 10 partial / 40 all"),
    "xhs": PlatformPartial(PartialMode.LINES, "order.orderDeliver unpack=true skuIdList",
                           "split by SKU: a SKU ships once, with its last parcel [I]"),
}


@dataclass(frozen=True)
class PlanLine:
    line_id: str
    quantity: int                      # units of this parcel
    completes: bool                    # the line has every unit shipped once this parcel is out


@dataclass(frozen=True)
class ShipBackPlan:
    send: bool                         # False: deferred, nothing goes to the platform now
    whole_order: bool                  # the platform's whole-order call (no line selection)
    lines: tuple[PlanLine, ...]        # what the call names (empty for a whole-order call)
    parcels: tuple[tuple[str, str], ...]   # (our carrier code, tracking no.) the call names
    covers: tuple[str, ...]            # earlier deferred shipment ids this call tells the platform of
    note: str


def plan_ship_back(platform: str, order_lines: Sequence[tuple[str, int]], earlier: Sequence[Shipment],
                   shipment: Shipment) -> ShipBackPlan:
    """order_lines: (line id, quantity) of the lines still to ship (refunded ones left out); earlier: the
    order's confirmed shipments before this one, oldest first."""
    partial = PARTIAL.get(platform)
    quantities = dict(order_lines)
    before = _shipped(earlier, quantities)
    this = _parts(shipment, quantities)
    after = {line_id: before[line_id] + this.get(line_id, 0) for line_id in quantities}
    complete = all(after[i] >= q for i, q in quantities.items())
    deferred = [s for s in earlier if s.ship_back.value == "deferred"]
    own = ((shipment.carrier_code, shipment.tracking_no),)
    if complete and not earlier:
        return ShipBackPlan(True, True, (), own, (), "the whole order in one parcel")
    if partial is None:
        return ShipBackPlan(True, not shipment.lines, _plan_lines(this, after, quantities), own, (), "")
    if partial.mode is PartialMode.QUANTITIES:
        return ShipBackPlan(True, False, _plan_lines(this, after, quantities), own, (),
                            f"sent as a partial shipment ({partial.call})")
    if partial.mode is PartialMode.LINES:
        return _by_lines(partial, this, before, after, quantities, earlier, deferred, own, complete)
    if not complete:
        left = ", ".join(f"{i} x{q - after[i]}" for i, q in quantities.items() if after[i] < q)
        return ShipBackPlan(False, True, (), (), (),
                            f"deferred: {platform} ships whole orders only; the platform is told when the "
                            f"remaining lines ship ({left})")
    parcels = _distinct([(s.carrier_code, s.tracking_no) for s in earlier] + list(own))
    ids = tuple(s.shipment_id for s in deferred)
    return ShipBackPlan(True, True, (), tuple(parcels), ids,
                        f"sent with every parcel's number: {', '.join(n for _, n in parcels)}")


def _by_lines(partial: PlatformPartial, this: dict[str, int], before: dict[str, int], after: dict[str, int],
              quantities: dict[str, int], earlier: Sequence[Shipment], deferred: Sequence[Shipment],
              own: tuple[tuple[str, str], ...], complete: bool) -> ShipBackPlan:
    done = [i for i in this if after[i] >= quantities[i] > before[i]]
    if not done:
        waiting = ", ".join(f"{i} x{quantities[i] - after[i]}" for i in this)
        return ShipBackPlan(False, False, (), (), (),
                            f"deferred: the platform ships whole lines only; line(s) {waiting} still to ship")
    if complete and all(s.ship_back.value == "deferred" for s in earlier):
        ids = tuple(s.shipment_id for s in deferred)
        return ShipBackPlan(True, True, (), own, ids, "the whole order, with the last parcel's number")
    covers = tuple(s.shipment_id for s in deferred
                   if all(after[i] >= quantities[i] for i in _parts(s, quantities)))
    lines = tuple(PlanLine(i, quantities[i], True) for i in done)
    return ShipBackPlan(True, False, lines, own, covers,
                        f"sent line(s) {', '.join(done)} ({partial.call})")


def _parts(shipment: Shipment, quantities: dict[str, int]) -> dict[str, int]:
    lines = shipment.lines or tuple(ShipmentLine(i, q) for i, q in quantities.items())
    out: dict[str, int] = {}
    for line in lines:
        if line.line_id in quantities:
            out[line.line_id] = out.get(line.line_id, 0) + line.quantity
    return out


def _shipped(shipments: Iterable[Shipment], quantities: dict[str, int]) -> dict[str, int]:
    totals = dict.fromkeys(quantities, 0)
    for shipment in shipments:
        for line_id, qty in _parts(shipment, quantities).items():
            totals[line_id] += qty
    return totals


def _plan_lines(this: dict[str, int], after: dict[str, int], quantities: dict[str, int]) -> tuple[PlanLine, ...]:
    return tuple(PlanLine(i, q, after[i] >= quantities[i]) for i, q in this.items())


def _distinct(parcels: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(parcels))
