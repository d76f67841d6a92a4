#include "reports/exporter.h"

namespace sh {

std::vector<std::unique_ptr<Exporter>> all_exporters(RenderOptions opts) {
    std::vector<std::unique_ptr<Exporter>> v;
    v.push_back(std::make_unique<JsonExporter>());
    v.push_back(std::make_unique<JUnitExporter>());
    v.push_back(std::make_unique<MarkdownExporter>(opts));
    v.push_back(std::make_unique<HtmlExporter>(opts));
    v.push_back(std::make_unique<SarifExporter>());
    return v;
}

}  // namespace sh
