"""Reading /metrics in tests: every sample by name and labels."""

from prometheus_client.parser import text_string_to_metric_families


def scrape(client, **extra):
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content[:500]
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def sample(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def change(before, after, name, **labels):
    return sample(after, name, **labels) - sample(before, name, **labels)
