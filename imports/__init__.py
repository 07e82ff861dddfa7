"""Import an Amazon Prime Video watch history: one module per step of an import.

    parsing/    read file      bytes to one `PrimeMovie` per film (pure; see its own map)
    services    store items    `create_session`: the films as `ImportItem` rows, with what
                               earlier imports decided and what is ranked already
    matcher     claim, search, leases so no two requests match one item; the lookup threads;
                store          each match written while the claim holds; the time budgets
    lookup      search         which catalog calls a title needs (pure)
    scoring     score          a proposal, its band and reason from the candidates (pure)
    views       review         the wizard's pages and htmx regions
    services    decide         add, skip, undo, review again
    models      the rows       sessions, items (with their counting queries), remembered choices
"""
