"""``bench --plot FILE.png``: prove time against constraints, ours beside snarkjs, log axes.

matplotlib is an optional extra (``pip install -e '.[plot]'``); it is imported only here."""

from __future__ import annotations

from typing import Any

__all__ = ["PlotUnavailable", "plot"]


class PlotUnavailable(RuntimeError):
    """matplotlib is not installed."""


def plot(result: dict[str, Any], path: str) -> None:
    """Draw the synthetic sizes and the parameter sets of one bench ``result`` into ``path``."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise PlotUnavailable("--plot needs matplotlib: pip install -e '.[plot]'") from exc
    sizes = sorted(result.get("synthetic", {}).values(), key=lambda r: r["constraints"])
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for key, label, style in (("ours_prove_s", "ours (native engine)", "o-"), ("snarkjs_prove_s", "snarkjs", "s--")):
        xs = [r["constraints"] for r in sizes if r.get(key)]
        ys = [r[key] for r in sizes if r.get(key)]
        if xs:
            ax.plot(xs, ys, style, label=f"{label}, synthetic 2^k")
    for name, r in result.get("params", {}).items():
        for key, marker in (("prove_s", "o"), ("snarkjs_prove_s", "s")):
            if r.get(key):
                ax.plot([r["constraints"]], [r[key]], marker, fillstyle="none", color="black")
                ax.annotate(
                    f"{name} ({'ours' if key == 'prove_s' else 'snarkjs'})",
                    (r["constraints"], r[key]),
                    textcoords="offset points",
                    xytext=(4, 4),
                    fontsize=7,
                )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("constraints")
    ax.set_ylabel("Groth16 prove time (s)")
    ax.set_title("Groth16 prove time, ours against snarkjs")
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
