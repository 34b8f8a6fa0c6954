"""One time cursor for every time panel: moving the mouse over any panel moves it in all of them."""

from __future__ import annotations

from bokeh.events import MouseMove, Tap
from bokeh.models import CustomJS, Div, Span
from bokeh.plotting import figure

__all__ = ["TimeCursor"]


class TimeCursor:
    """A vertical line per time figure, moved together; ``readout`` shows the time."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self.readout = Div(text="<b>cursor</b>: move the mouse over a panel", name="cursor-readout", styles={"font-size": "13px"})
        self._figures: list[figure] = []

    def attach(self, fig: figure) -> figure:
        """Give ``fig`` its cursor line; the callbacks are wired in ``finish`` once every figure is known."""
        span = Span(location=0, dimension="height", line_color="#333333", line_dash="dashed", line_width=1, line_alpha=0.8)
        fig.add_layout(span)
        self.spans.append(span)
        self._figures.append(fig)
        return fig

    def move_code(self) -> str:
        """JS that moves every cursor to ``t`` (a variable in scope) and updates the readout."""
        return ("for (const s of spans) { s.location = t; }"
                "readout.text = '<b>cursor</b>: t = ' + t.toFixed(1) + ' s (' + (t / 60).toFixed(1) + ' min)';")

    def callback(self, expr: str, **args: object) -> CustomJS:
        """A CustomJS that moves the cursor to the time ``expr`` evaluates to (``args``: more names it uses)."""
        return CustomJS(args={"spans": self.spans, "readout": self.readout, **args},
                        code=f"const t = {expr}; if (t == null || isNaN(t)) return; " + self.move_code())

    def finish(self) -> None:
        """Wire mouse moves and taps of every figure to the shared cursor."""
        for fig in self._figures:
            fig.js_on_event(MouseMove, self.callback("cb_obj.x"))
            fig.js_on_event(Tap, self.callback("cb_obj.x"))
