from tenderbot.store.tables import ID_CHUNK, id_chunks


def test_id_chunks_cover_every_id_once_in_capped_slices() -> None:
    ids = list(range(2 * ID_CHUNK + 3))
    chunks = list(id_chunks(ids))
    assert [len(c) for c in chunks] == [ID_CHUNK, ID_CHUNK, 3]
    assert [i for c in chunks for i in c] == ids
    assert list(id_chunks([])) == []
