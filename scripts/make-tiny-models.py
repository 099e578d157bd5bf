#!/usr/bin/python3
"""Writes the tiny ONNX models the embedding tests load through the real transformers.js code.

    /usr/bin/python3 scripts/make-tiny-models.py        (needs Debian's python3-onnx)

Outputs (committed, so tests and CI need no Python):
  test/fixtures/models/tiny-text/   BERT-like feature extractor, hidden size 32
  test/fixtures/models/tiny-clip/   CLIP-like text + vision towers, projection dim 16
  test/fixtures/images/tiny-*.png   small pictures for the vision tower

The weights are random but seeded, so the files are identical on every run. The vectors carry no
meaning; the graphs only guarantee that different inputs give different vectors and that padding
never changes a sequence's result (every token is embedded independently, or the mean is masked).
ONNX 1.12 (Debian) supports opset <= 17; we use 13.
"""
import json
import os
import struct
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(ROOT, 'test', 'fixtures', 'models')
IMAGES = os.path.join(ROOT, 'test', 'fixtures', 'images')
OPSET = 13
SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']

# Common English and code words, so test sentences tokenize to words rather than letters.
WORDS = """
the a an and or not of to in on for with from by at as is are was be this that it its
if else then when while do return function class def const let var new import export
default async await true false null none self public private static void int string
bool number type interface struct enum match case break continue try catch throw error
get set add remove delete update create read write open close load save find search
index vector image file files folder path name value key list map array object data
query result results test tests main start stop run build make user users code text
model models embed embedding embeddings chunk chunks token tokens line lines word words
red green blue black white picture photo cat dog car tree house sun sky water
""".split()
SUFFIXES = ['##s', '##es', '##ed', '##ing', '##er', '##ly', '##ion', '##al']
PUNCT = list('.,;:!?()[]{}<>=+-*/\\\'"_#@$%&|^~`')


def vocabulary():
    letters = [chr(c) for c in range(ord('a'), ord('z') + 1)]
    digits = [str(d) for d in range(10)]
    # Continuation pieces for every letter and digit, so no word ever falls back to [UNK].
    pieces = ['##' + c for c in letters + digits]
    vocab = SPECIALS + letters + digits + PUNCT + pieces + SUFFIXES
    vocab += [w for w in dict.fromkeys(WORDS) if w not in vocab]
    return vocab


def tokenizer_json(vocab, max_length):
    added = [
        {'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
         'normalized': False, 'special': True}
        for i, t in enumerate(SPECIALS)
    ]
    cls, sep = vocab.index('[CLS]'), vocab.index('[SEP]')
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added,
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}},
                       {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}},
                     {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 0}},
                     {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {'[CLS]': {'id': '[CLS]', 'ids': [cls], 'tokens': ['[CLS]']},
                               '[SEP]': {'id': '[SEP]', 'ids': [sep], 'tokens': ['[SEP]']}},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(vocab)}},
    }


def tokenizer_config(max_length):
    return {'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': max_length,
            'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]',
            'mask_token': '[MASK]'}


def save_model(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)])
    model.ir_version = 8
    model.producer_name = 'loupe/make-tiny-models.py'
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save(model, path)


def write_json(obj, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write('\n')


def int64_seq(name):
    return helper.make_tensor_value_info(name, TensorProto.INT64, ['batch', 'seq'])


def make_tiny_text(vocab, hidden=32, max_length=128):
    """Token embedding + token-type embedding -> dense -> tanh, per token (no attention)."""
    out = os.path.join(MODELS, 'tiny-text')
    rng = np.random.default_rng(0)
    V = len(vocab)
    inits = [
        numpy_helper.from_array(rng.standard_normal((V, hidden)).astype(np.float32), 'word_emb'),
        numpy_helper.from_array((rng.standard_normal((2, hidden)) * 0.1).astype(np.float32), 'type_emb'),
        numpy_helper.from_array((rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)).astype(np.float32), 'dense_w'),
        numpy_helper.from_array((rng.standard_normal((hidden,)) * 0.1).astype(np.float32), 'dense_b'),
    ]
    nodes = [
        helper.make_node('Gather', ['word_emb', 'input_ids'], ['words']),
        helper.make_node('Gather', ['type_emb', 'token_type_ids'], ['types']),
        helper.make_node('Add', ['words', 'types'], ['embedded']),
        helper.make_node('MatMul', ['embedded', 'dense_w'], ['projected']),
        helper.make_node('Add', ['projected', 'dense_b'], ['biased']),
        helper.make_node('Tanh', ['biased'], ['last_hidden_state']),
    ]
    graph = helper.make_graph(
        nodes, 'tiny_text',
        [int64_seq('input_ids'), int64_seq('attention_mask'), int64_seq('token_type_ids')],
        [helper.make_tensor_value_info('last_hidden_state', TensorProto.FLOAT, ['batch', 'seq', hidden])],
        inits)
    save_model(graph, os.path.join(out, 'onnx', 'model.onnx'))
    write_json({'model_type': 'bert', 'architectures': ['BertModel'], 'hidden_size': hidden,
                'vocab_size': V, 'num_attention_heads': 1, 'num_hidden_layers': 1,
                'intermediate_size': hidden, 'max_position_embeddings': max_length,
                'type_vocab_size': 2, 'pad_token_id': 0}, os.path.join(out, 'config.json'))
    write_json(tokenizer_json(vocab, max_length), os.path.join(out, 'tokenizer.json'))
    write_json(tokenizer_config(max_length), os.path.join(out, 'tokenizer_config.json'))


def make_tiny_clip(vocab, hidden=24, proj=16, image=32, max_length=77):
    out = os.path.join(MODELS, 'tiny-clip')
    rng = np.random.default_rng(1)
    V = len(vocab)
    # Text tower: masked mean of token embeddings -> projection. The mask keeps padded batches
    # equal to one-by-one calls.
    text_inits = [
        numpy_helper.from_array(rng.standard_normal((V, hidden)).astype(np.float32), 'token_emb'),
        numpy_helper.from_array((rng.standard_normal((hidden, proj)) / np.sqrt(hidden)).astype(np.float32), 'text_projection'),
        numpy_helper.from_array(np.array([1], dtype=np.int64), 'seq_axis'),
        numpy_helper.from_array(np.array([2], dtype=np.int64), 'last_axis'),
    ]
    text_nodes = [
        helper.make_node('Gather', ['token_emb', 'input_ids'], ['tokens']),
        helper.make_node('Cast', ['attention_mask'], ['mask'], to=TensorProto.FLOAT),
        helper.make_node('Unsqueeze', ['mask', 'last_axis'], ['mask3']),
        helper.make_node('Mul', ['tokens', 'mask3'], ['masked']),
        helper.make_node('ReduceSum', ['masked', 'seq_axis'], ['summed'], keepdims=0),
        helper.make_node('ReduceSum', ['mask', 'seq_axis'], ['count'], keepdims=1),
        helper.make_node('Div', ['summed', 'count'], ['pooled']),
        helper.make_node('MatMul', ['pooled', 'text_projection'], ['text_embeds']),
    ]
    text_graph = helper.make_graph(
        text_nodes, 'tiny_clip_text', [int64_seq('input_ids'), int64_seq('attention_mask')],
        [helper.make_tensor_value_info('text_embeds', TensorProto.FLOAT, ['batch', proj])], text_inits)
    save_model(text_graph, os.path.join(out, 'onnx', 'text_model.onnx'))

    # Vision tower: 4x4 average pooling keeps a coarse colour layout -> flatten -> tanh dense -> projection.
    cells = 3 * (image // 4) * (image // 4)
    vision_inits = [
        numpy_helper.from_array(np.array([0, -1], dtype=np.int64), 'flat_shape'),
        numpy_helper.from_array((rng.standard_normal((cells, hidden)) / np.sqrt(cells)).astype(np.float32), 'vision_dense'),
        numpy_helper.from_array((rng.standard_normal((hidden, proj)) / np.sqrt(hidden)).astype(np.float32), 'visual_projection'),
    ]
    vision_nodes = [
        helper.make_node('AveragePool', ['pixel_values'], ['pooled'], kernel_shape=[4, 4], strides=[4, 4]),
        helper.make_node('Reshape', ['pooled', 'flat_shape'], ['flat']),
        helper.make_node('MatMul', ['flat', 'vision_dense'], ['hidden']),
        helper.make_node('Tanh', ['hidden'], ['activated']),
        helper.make_node('MatMul', ['activated', 'visual_projection'], ['image_embeds']),
    ]
    vision_graph = helper.make_graph(
        vision_nodes, 'tiny_clip_vision',
        [helper.make_tensor_value_info('pixel_values', TensorProto.FLOAT, ['batch', 3, image, image])],
        [helper.make_tensor_value_info('image_embeds', TensorProto.FLOAT, ['batch', proj])], vision_inits)
    save_model(vision_graph, os.path.join(out, 'onnx', 'vision_model.onnx'))

    write_json({'model_type': 'clip', 'architectures': ['CLIPModel'], 'projection_dim': proj,
                'text_config': {'model_type': 'clip_text_model', 'hidden_size': hidden, 'vocab_size': V,
                                'projection_dim': proj, 'max_position_embeddings': max_length},
                'vision_config': {'model_type': 'clip_vision_model', 'hidden_size': hidden,
                                  'image_size': image, 'patch_size': 4, 'projection_dim': proj}},
               os.path.join(out, 'config.json'))
    write_json({'image_processor_type': 'CLIPImageProcessor', 'processor_class': 'CLIPProcessor',
                'do_resize': True, 'size': {'shortest_edge': image}, 'do_center_crop': True,
                'crop_size': {'height': image, 'width': image}, 'do_rescale': True,
                'rescale_factor': 1 / 255, 'do_normalize': True,
                'image_mean': [0.48145466, 0.4578275, 0.40821073],
                'image_std': [0.26862954, 0.26130258, 0.27577711], 'resample': 3, 'do_convert_rgb': True},
               os.path.join(out, 'preprocessor_config.json'))
    write_json(tokenizer_json(vocab, max_length), os.path.join(out, 'tokenizer.json'))
    write_json(tokenizer_config(max_length), os.path.join(out, 'tokenizer_config.json'))


def write_png(path, width, height, pixel):
    """Minimal RGB PNG writer (no PIL on the build machine)."""
    rows = b''.join(b'\x00' + bytes(c for x in range(width) for c in pixel(x, y)) for y in range(height))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)

    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(rows, 9)) + chunk(b'IEND', b''))


def make_images():
    write_png(os.path.join(IMAGES, 'tiny-red.png'), 40, 32, lambda x, y: (220, 30 + x, 30))
    write_png(os.path.join(IMAGES, 'tiny-blue.png'), 32, 48, lambda x, y: (20, 40, 200 - y))
    write_png(os.path.join(IMAGES, 'tiny-stripes.png'), 48, 48,
              lambda x, y: (255, 255, 255) if (x // 6) % 2 == 0 else (0, 90, 0))


if __name__ == '__main__':
    vocab = vocabulary()
    make_tiny_text(vocab)
    make_tiny_clip(vocab)
    make_images()
    print('vocabulary', len(vocab), 'tokens; wrote', MODELS, 'and', IMAGES)
