"""``/api/saksi/...``: what the court serves its witnesses, without signing in (a supervising
court polls many courts; anyone may keep the court's heads). The newest signed tree head
(with the consistency proof from a head the witness holds), the root of any prefix of the
log tree as stored now (bound to the newest seal by a consistency proof), and the leaf
hashes, 32 bytes an entry, which tell nothing of a case (:mod:`sop_runtime.service.witness`;
the witness's side is ``sop saksi``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from sop_runtime.service import witness
from sop_runtime.web.api.common import Responses
from sop_runtime.web.deps import Rt

__all__ = ["api"]

api = APIRouter(tags=["saksi / witness"])
Size = Annotated[int, Query(ge=0, le=10**12, description=(
    "Posisi pertama / the first position"))]
NOT_YET: Responses = {404: {"description": "Belum ada segel (bertanda tangan) yang "
                                          "mencakupnya / no (signed) seal covers it yet"}}


@api.get("/api/saksi/kepala", responses=NOT_YET,
         summary="Kepala pohon log terbaru yang ditandatangani / the newest signed tree head")
def head(rt: Rt, dari: Annotated[int | None, Query(ge=0, le=10**12, description=(
        "Ukuran kepala yang dipegang saksi: sertakan bukti konsistensi darinya / the size of "
        "the head the witness holds: include the consistency proof from it"))] = None
         ) -> dict[str, Any]:
    """The format of ``sop seal export``: court, size, root, sealed_at (UTC), key id,
    Ed25519 signature; with ``dari``, ``consistency`` (RFC 9162 PROOF)."""
    return witness.newest_head(rt, dari).as_json()


@api.get("/api/saksi/akar", responses=NOT_YET,
         summary="Akar awalan pohon log / the root of a prefix of the log tree")
def prefix(rt: Rt, ukuran: Annotated[int | None, Query(ge=0, le=10**12, description=(
        "Jumlah entri awal (bawaan: seluruh segel terbaru) / the number of first entries "
        "(default: the whole newest seal)"))] = None) -> dict[str, Any]:
    """The root of the first ``ukuran`` entries as the tree is stored now, and the proof
    that the newest seal extends it (what a witness bisects on)."""
    found = witness.prefix_root(rt, ukuran)
    return {"size": found.size, "root": found.root, "seal_id": found.seal_id,
            "sealed_size": found.sealed_size, "sealed_root": found.sealed_root,
            "consistency": [p.hex() for p in found.path]}


@api.get("/api/saksi/daun", responses=NOT_YET,
         summary="Hash daun pohon log / the log tree's leaf hashes")
def leaves(rt: Rt, dari: Size = 0, jumlah: Annotated[int, Query(
        ge=1, le=witness.MAX_LEAVES)] = witness.MAX_LEAVES) -> dict[str, Any]:
    """The leaf hashes of positions [``dari``, ``dari + jumlah``) of the newest seal's
    tree, for a witness's mirror."""
    sealed_size, hashes = witness.leaf_hashes(rt, dari, jumlah)
    return {"from": dari, "sealed_size": sealed_size, "hashes": hashes}
